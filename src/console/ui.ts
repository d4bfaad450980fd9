// Small pieces every console page uses: the html template tag, forms that run one call and say how it
// went, tables with captions, and the time format.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

export { html };

export interface Outcome {
  busy: boolean;
  error: string;
  done: string;
}

/** Runs one async action at a time and keeps what to tell the person about it. */
export function useAction(): [Outcome, (work: () => Promise<string | void>) => Promise<void>] {
  const [outcome, setOutcome] = useState<Outcome>({ busy: false, error: '', done: '' });
  const run = async (work: () => Promise<string | void>) => {
    setOutcome({ busy: true, error: '', done: '' });
    try {
      const done = await work();
      setOutcome({ busy: false, error: '', done: done ?? '' });
    } catch (error) {
      setOutcome({ busy: false, error: error instanceof Error ? error.message : String(error), done: '' });
    }
  };
  return [outcome, run];
}

/** Errors are announced at once (role=alert), confirmations politely (role=status). */
export function Notice({ outcome }: { outcome: Outcome }) {
  if (outcome.error) return html`<p class="notice error" role="alert">${outcome.error}</p>`;
  if (outcome.done) return html`<p class="notice ok" role="status">${outcome.done}</p>`;
  return null;
}

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return html`<section class="card" aria-label=${title}><h2>${title}</h2>${children}</section>`;
}

export interface Column<Row> {
  label: string;
  cell: (row: Row) => ComponentChildren;
}

export function Table<Row>({ caption, columns, rows, empty }: { caption: string; columns: Column<Row>[]; rows: Row[]; empty: string }) {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="scroll" role="region" aria-label=${caption} tabindex="0">
    <table>
      <caption class="visually-hidden">${caption}</caption>
      <thead><tr>${columns.map((column) => html`<th scope="col">${column.label}</th>`)}</tr></thead>
      <tbody>${rows.map((row) => html`<tr>${columns.map((column) => html`<td data-label=${column.label}>${column.cell(row)}</td>`)}</tr>`)}</tbody>
    </table>
  </div>`;
}

/** `2026-12-06T23:08:01.123Z` → `2026-12-06 23:08:01` (UTC, as the gateway stores it). */
export function when(iso: unknown): string {
  return typeof iso === 'string' && iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '';
}

/** The value of a named field of a submitted form. */
export function field(form: HTMLFormElement, name: string): string {
  const element = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  return element ? element.value.trim() : '';
}

export function StateBadge({ state }: { state: string }) {
  return html`<span class=${`badge state-${state}`}>${state}</span>`;
}
