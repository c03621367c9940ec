/** Byte range [start, end) of a file. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Bytes a quick scan reads at most: a quarter head, a quarter tail, half in middle windows. */
export const QUICK_SCAN_BUDGET = 1024 * 1024;
export const QUICK_SCAN_MIDDLE_WINDOWS = 8;

/**
 * What a quick scan reads of a `fileSize`-byte file: the whole file when it fits the budget,
 * else the head (budget/4), the tail (budget/4) and QUICK_SCAN_MIDDLE_WINDOWS windows sharing
 * the other half, evenly spaced with equal gaps between them. Sorted, never overlapping (just
 * over the budget, neighbours may touch); fed to the scanner in order, the gaps make its result
 * say `sampled`.
 */
export function quickScanPlan(fileSize: number, budget: number = QUICK_SCAN_BUDGET): ByteRange[] {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw new RangeError('fileSize must be a non-negative integer');
  if (!Number.isSafeInteger(budget) || budget < 4 * QUICK_SCAN_MIDDLE_WINDOWS) throw new RangeError('budget too small');
  if (fileSize === 0) return [];
  if (fileSize <= budget) return [{ start: 0, end: fileSize }];
  const edge = Math.floor(budget / 4);
  const window = Math.floor((budget - 2 * edge) / QUICK_SCAN_MIDDLE_WINDOWS);
  const middle = fileSize - 2 * edge; // > 2 * edge >= windows' total, so the windows fit with gaps
  const gap = (middle - QUICK_SCAN_MIDDLE_WINDOWS * window) / (QUICK_SCAN_MIDDLE_WINDOWS + 1);
  const ranges: ByteRange[] = [{ start: 0, end: edge }];
  for (let i = 0; i < QUICK_SCAN_MIDDLE_WINDOWS; i++) {
    const start = edge + Math.floor(gap * (i + 1) + window * i);
    ranges.push({ start, end: start + window });
  }
  ranges.push({ start: fileSize - edge, end: fileSize });
  return ranges;
}
