import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../src/api/did-you-mean.ts';

const TYPES = ['sentiment_analysis_batch', 'file_processing', 'security_scan', 'data_export'];

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('texts', 'texts')).toBe(0);
    expect(editDistance('text', 'texts')).toBe(1);
    expect(editDistance('textss', 'texts')).toBe(1);
    expect(editDistance('tests', 'texts')).toBe(1);
    expect(editDistance('tetxs', 'texts')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('ignores case', () => {
    expect(editDistance('FilePath', 'filePath')).toBe(0);
  });
});

describe('didYouMean', () => {
  it('names the closest known name for a typo', () => {
    expect(didYouMean('file_procesing', TYPES)).toBe('file_processing');
    expect(didYouMean('securty_scan', TYPES)).toBe('security_scan');
    expect(didYouMean('data-export', TYPES)).toBe('data_export');
    expect(didYouMean('text', ['texts', 'enablePIIMasking', 'includeKeywords', 'language'])).toBe('texts');
    expect(didYouMean('filepath', ['filePath', 'datasetId'])).toBe('filePath');
  });

  it('suggests nothing when no name is a plausible typo', () => {
    expect(didYouMean('sentiment', TYPES)).toBeNull();
    expect(didYouMean('zzz', ['texts', 'language'])).toBeNull();
    expect(didYouMean('', TYPES)).toBeNull();
    expect(didYouMean('x'.repeat(65), ['x'.repeat(64)])).toBeNull();
    expect(didYouMean('texts', [])).toBeNull();
  });

  it('allows fewer edits for short names', () => {
    expect(didYouMean('ab', ['id'])).toBeNull();
    expect(didYouMean('if', ['id'])).toBe('id');
  });
});
