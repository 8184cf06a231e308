// xsd:dateTime (RFC 7643 §2.3.5). Fractional seconds of any length are accepted (Microsoft's
// test collection sends seven digits) and truncated to milliseconds; no zone means UTC.
const DATE_TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/i;

/** The instant a dateTime string denotes, or undefined when it is not a valid dateTime. */
export function parseDateTime(value: string): Date | undefined {
  const match = DATE_TIME_RE.exec(value.trim());
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millis = match[7] ? Number(match[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const daysInMonth = utcDate(year, month, 0).getUTCDate();
  if (day < 1 || day > daysInMonth) return undefined;
  let offsetMinutes = 0;
  const zone = match[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    if (zh > 23 || zm > 59) return undefined;
    offsetMinutes = sign * (zh * 60 + zm);
  }
  const date = utcDate(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, millis);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Unlike Date.UTC, keeps years 0-99 as written instead of mapping them to 19xx. */
function utcDate(year: number, monthIndex: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}
