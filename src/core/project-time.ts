// Time zones and date formats of a project: validating them and printing times the way Picky does
// ("06-08-2019 06:46 AM" in the project's zone and date format).

export const DATE_FORMATS = ['YYYY-MM-DD', 'DD-MM-YYYY', 'MM-DD-YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const ZONE_NAME = /^(?:UTC|[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+){1,2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** True for an IANA zone name the runtime knows ("Asia/Kolkata", "UTC"); offsets like "+05:30" are not zones. */
export function isTimeZone(value: string): boolean {
  if (!ZONE_NAME.test(value)) return false;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: true,
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface DateParts {
  year: string;
  month: string;
  day: string;
  hour: string;
  minute: string;
  dayPeriod: string;
}

function partsOf(epochMs: number, timeZone: string): DateParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return {
    year: parts.year ?? '',
    month: parts.month ?? '',
    day: parts.day ?? '',
    hour: parts.hour ?? '',
    minute: parts.minute ?? '',
    dayPeriod: (parts.dayPeriod ?? '').toUpperCase(),
  };
}

/** The date alone in the project's format ("11-07-2020"). */
export function formatProjectDate(epochMs: number, timeZone: string, dateFormat: DateFormat): string {
  const { year, month, day } = partsOf(epochMs, timeZone);
  if (dateFormat === 'YYYY-MM-DD') return `${year}-${month}-${day}`;
  if (dateFormat === 'MM-DD-YYYY') return `${month}-${day}-${year}`;
  return `${day}-${month}-${year}`;
}

/** Date and 12-hour time in the project's zone and format ("06-08-2019 06:46 AM"). */
export function formatProjectTime(epochMs: number, timeZone: string, dateFormat: DateFormat): string {
  const { hour, minute, dayPeriod } = partsOf(epochMs, timeZone);
  return `${formatProjectDate(epochMs, timeZone, dateFormat)} ${hour}:${minute} ${dayPeriod}`;
}

/** ISO 8601 with the zone's offset ("2021-06-01T14:05:26+05:30"), as the WhatsApp Web status shows time. */
export function formatProjectIsoTime(epochMs: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const formatter = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  for (const part of formatter.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const { year, month, day, hour, minute, second } = parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string>;
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  const offsetMinutes = Math.round((Date.UTC(+year, +month - 1, +day, +hour, +minute, +second) - wholeSeconds) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`;
}
