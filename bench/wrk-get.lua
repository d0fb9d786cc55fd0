-- wrk script: a plain GET (the health probe), for the pipeline-only layer.
wrk.method = "GET"
