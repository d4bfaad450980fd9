// Renders a stored payload as the bytes a webhook receives: JSON, or the Standard POST form encoding
// (nested values in the PHP style, `Location[lat]=…`, which the PHP receivers of the original expect).

export interface RenderedBody {
  body: string;
  contentType: string;
}

export function renderWebhookBody(payload: string, format: 'json' | 'form'): RenderedBody {
  if (format === 'json') return { body: payload, contentType: 'application/json' };
  const form = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      for (const [inner, innerValue] of Object.entries(value)) add(`${key}[${inner}]`, innerValue);
    } else form.append(key, value === null || value === undefined ? '' : String(value));
  };
  for (const [key, value] of Object.entries(JSON.parse(payload) as Record<string, unknown>)) add(key, value);
  return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
}
