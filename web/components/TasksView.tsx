"use client";

import { useCallback, useEffect, useState } from "react";
import { APIError, type Priority, type Task } from "@/lib/api";
import { useApi } from "./ApiProvider";
import { buttonClass, ErrorMessage, inputClass, quietButtonClass } from "./ui";

type Filter = "all" | "pending" | "completed";

const errorText = (e: unknown) => (e instanceof APIError ? e.message : "Something went wrong. Try again.");

/** The task list: filter, add, edit, complete and delete, with optimistic updates. */
export function TasksView() {
  const api = useApi();
  const [filter, setFilter] = useState<Filter>("all");
  const [tasks, setTasks] = useState<Task[] | null>(null);
  const [error, setError] = useState<string>();

  /** Loads the list; false (with the error shown) when it could not. */
  const load = useCallback(async () => {
    try {
      setTasks((await api.listTasks(filter)).items);
      setError(undefined);
      return true;
    } catch (e) {
      setError(errorText(e));
      setTasks((current) => current ?? []);
      return false;
    }
  }, [api, filter]);

  useEffect(() => {
    setTasks(null);
    void load();
  }, [load]);

  const visible = (task: Task) => filter === "all" || (filter === "completed") === task.completed;

  /** Shows the change at once, sends it, and puts the server's answer (or the old state and an error) in place. */
  async function change(task: Task, changes: Partial<Task>) {
    const before = tasks;
    setTasks((list) => list?.map((t) => (t.id === task.id ? { ...t, ...changes } : t)).filter(visible) ?? null);
    try {
      const saved = await api.updateTask(task.id, { ...changes, version: task.version });
      setTasks((list) => list?.map((t) => (t.id === saved.id ? saved : t)) ?? null);
    } catch (e) {
      setTasks(before);
      if (!(e instanceof APIError && e.status === 409)) {
        setError(errorText(e));
      } else if (await load()) {
        // Said after the reload, which clears the page's error: before, the message vanished as the list came back.
        setError("This task was changed elsewhere; the list has been reloaded.");
      }
    }
  }

  async function remove(task: Task) {
    const before = tasks;
    setTasks((list) => list?.filter((t) => t.id !== task.id) ?? null);
    try {
      await api.deleteTask(task.id);
    } catch (e) {
      setTasks(before);
      setError(errorText(e));
    }
  }

  return (
    <section aria-labelledby="tasks-heading" className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="tasks-heading" className="text-2xl font-semibold">
          Tasks
        </h1>
        <div role="group" aria-label="Show" className="ml-auto flex gap-1">
          {(["all", "pending", "completed"] as const).map((f) => (
            <button
              key={f}
              type="button"
              aria-pressed={filter === f}
              onClick={() => setFilter(f)}
              className={`${quietButtonClass} capitalize ${filter === f ? "border-indigo-600 bg-indigo-50 dark:bg-indigo-950" : ""}`}
            >
              {f}
            </button>
          ))}
        </div>
      </div>

      <AddTaskForm
        onAdded={(task) => {
          if (filter !== "completed") setTasks((list) => [...(list ?? []), task]);
        }}
      />
      <ErrorMessage>{error}</ErrorMessage>

      {tasks === null ? (
        <p className="text-sm text-slate-500" role="status">
          Loading tasks…
        </p>
      ) : tasks.length === 0 ? (
        <p className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500 dark:border-slate-700">
          {filter === "all" ? "No tasks yet. Add one above, or ask the assistant in the chat." : `No ${filter} tasks.`}
        </p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900" aria-label="Tasks">
          {tasks.map((task) => (
            <TaskRow key={task.id} task={task} onChange={(c) => change(task, c)} onDelete={() => remove(task)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function AddTaskForm({ onAdded }: { onAdded: (task: Task) => void }) {
  const api = useApi();
  const [title, setTitle] = useState("");
  const [priority, setPriority] = useState<Priority>("normal");
  const [dueAt, setDueAt] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      onAdded(await api.createTask({ title, priority, dueAt: dueAt ? new Date(dueAt).toISOString() : null }));
      setTitle("");
      setDueAt("");
      setPriority("normal");
      setError(undefined);
    } catch (e) {
      setError(e instanceof APIError ? (e.field("title") ?? e.message) : "Could not add the task.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-2 sm:flex-row sm:items-end" aria-label="Add a task">
      <label className="flex-1 text-sm">
        <span className="mb-1 block font-medium">New task</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={200} placeholder="What needs doing?" className={inputClass} />
      </label>
      <label className="text-sm">
        <span className="mb-1 block font-medium">Priority</span>
        <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)} className={inputClass}>
          <option value="low">Low</option>
          <option value="normal">Normal</option>
          <option value="high">High</option>
        </select>
      </label>
      <label className="text-sm">
        <span className="mb-1 block font-medium">Due</span>
        <input type="datetime-local" value={dueAt} onChange={(e) => setDueAt(e.target.value)} className={inputClass} />
      </label>
      <button type="submit" disabled={busy} className={buttonClass}>
        Add
      </button>
      {error && (
        <div className="sm:basis-full">
          <ErrorMessage>{error}</ErrorMessage>
        </div>
      )}
    </form>
  );
}

function TaskRow({ task, onChange, onDelete }: { task: Task; onChange: (c: Partial<Task>) => void; onDelete: () => void }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(task.title);

  return (
    <li className="flex flex-wrap items-center gap-3 px-3 py-2" data-testid="task-row">
      <input
        type="checkbox"
        checked={task.completed}
        onChange={(e) => onChange({ completed: e.target.checked })}
        aria-label={`Mark “${task.title}” as ${task.completed ? "not done" : "done"}`}
        className="h-4 w-4 accent-indigo-600"
      />
      {editing ? (
        <form
          className="flex flex-1 gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            setEditing(false);
            if (title.trim() && title !== task.title) onChange({ title: title.trim() });
          }}
        >
          <label className="sr-only" htmlFor={`title-${task.id}`}>
            Title
          </label>
          <input id={`title-${task.id}`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} autoFocus className={inputClass} />
          <button type="submit" className={quietButtonClass}>
            Save
          </button>
          <button type="button" className={quietButtonClass} onClick={() => (setEditing(false), setTitle(task.title))}>
            Cancel
          </button>
        </form>
      ) : (
        <span className={`flex-1 ${task.completed ? "text-slate-400 line-through" : ""}`}>
          {task.title}
          {task.priority !== "normal" && (
            <span className={`ml-2 rounded px-1.5 py-0.5 text-xs ${task.priority === "high" ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" : "bg-slate-100 text-slate-600 dark:bg-slate-800 dark:text-slate-300"}`}>
              {task.priority}
            </span>
          )}
          {task.dueAt && <span className="ml-2 text-xs text-slate-500">due {new Date(task.dueAt).toLocaleString()}</span>}
        </span>
      )}
      {!editing && (
        <>
          <button type="button" className={quietButtonClass} onClick={() => setEditing(true)} aria-label={`Edit “${task.title}”`}>
            Edit
          </button>
          <button type="button" className={quietButtonClass} onClick={onDelete} aria-label={`Delete “${task.title}”`}>
            Delete
          </button>
        </>
      )}
    </li>
  );
}
