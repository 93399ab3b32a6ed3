import { describe, expect, it } from 'vitest';
import { appendPointer, escapePointerSegment, parentPointer, parsePointer } from './json-pointer.js';

describe('JSON pointers', () => {
  it('escapes ~ and / per RFC 6901 and round-trips', () => {
    expect(escapePointerSegment('a/b~c')).toBe('a~1b~0c');
    const pointer = appendPointer('', 'cases', 'a/b~c', 0);
    expect(pointer).toBe('/cases/a~1b~0c/0');
    expect(parsePointer(pointer)).toEqual(['cases', 'a/b~c', '0']);
  });

  it('finds the parent pointer', () => {
    expect(parentPointer('/a/b')).toBe('/a');
    expect(parentPointer('/a')).toBe('');
    expect(parentPointer('')).toBeUndefined();
    expect(parsePointer('')).toEqual([]);
  });
});
