// Several rounds of the same target folded into one row: the median of every number, mix-ups
// summed over all rounds (one is one too many), and failed rounds named.

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function mergeValues(values) {
  const present = values.filter((v) => v !== undefined && v !== null);
  if (!present.length) return undefined;
  if (present.every((v) => typeof v === 'number')) return median(present);
  if (present.every((v) => typeof v === 'object' && !Array.isArray(v))) {
    const keys = new Set(present.flatMap((v) => Object.keys(v)));
    return Object.fromEntries([...keys].map((k) => [k, mergeValues(present.map((v) => v[k]))]));
  }
  return present[0];
}

export function mergeRounds(rounds) {
  const ok = rounds.filter((r) => !r.error);
  const failed = rounds.filter((r) => r.error);
  if (!ok.length) return { ...rounds[0], rounds: rounds.length };
  const row = mergeValues(ok);
  row.rounds = ok.length;
  row.mismatchAll = {
    mismatched: ok.reduce((n, r) => n + r.mismatch.mismatched, 0),
    failed: ok.reduce((n, r) => n + r.mismatch.failed, 0),
    total: ok.reduce((n, r) => n + r.mismatch.total, 0),
  };
  // A start that did not get ready is counted whatever round it was in.
  if (ok.some((r) => r.startup)) row.startFailedAll = ok.reduce((n, r) => n + (r.startup?.ready.failed ?? 0), 0);
  if (failed.length) row.failedRounds = failed.map((r) => r.error);
  return row;
}
