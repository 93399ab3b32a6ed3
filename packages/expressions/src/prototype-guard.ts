/**
 * Defence against prototype pollution done by other code in the process. Static paths read plain
 * objects with ordinary property loads, which reach only own data because every built-in member
 * of `Object.prototype` is a function (read as missing) or a forbidden name (resolved at compile
 * time). Only pollution — enumerable properties someone added to `Object.prototype` — could
 * answer a read of a missing key; when it is present, reads fall back to explicit own-property
 * checks. The check runs at the start of every top-level call.
 */

/** `polluted` is true while `Object.prototype` has enumerable properties. */
export const prototypeGuard = { polluted: false };

const EMPTY_OBJECT = Object.freeze({});

/** Re-checks `Object.prototype` for pollution; costs one `for…in` over an empty object. */
export function refreshPrototypeGuard(): void {
  prototypeGuard.polluted = false;
  for (const _ in EMPTY_OBJECT) {
    prototypeGuard.polluted = true;
    break;
  }
}
