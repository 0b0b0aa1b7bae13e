// Small text formatters for the page.
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function percent(v: number, digits = 2): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : '–';
}

export function fixed(v: number, digits = 4): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '–';
}

export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
