/**
 * Every cap the native handlers enforce, with the reason it exists. Options may lower or raise
 * them per executor; these are the defaults.
 */

/** Redirect hops followed per request. Browsers allow 20; an API call needing more than 5 is a loop or an attack. */
export const MAX_REDIRECTS = 5;

/**
 * Response body size, counted both on the wire and after decompression. Handler outputs become
 * step outputs that are stored in the event log, so anything larger belongs in object storage.
 */
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/** Total response header bytes. Node's own default is 16 KiB; some APIs send large cookies. */
export const MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

/**
 * Content codings applied to one response (`Content-Encoding: gzip, gzip`). Each layer multiplies
 * the decompression ratio of a bomb; legitimate servers use one.
 */
export const MAX_CONTENT_CODINGS = 2;

/** Time to establish a TCP/TLS connection before the attempt fails with `UNAVAILABLE`. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Time from sending the request to receiving the complete response headers. */
export const HEADERS_TIMEOUT_MS = 30_000;

/** Longest silence between two body chunks. The per-handler timeout bounds the total. */
export const BODY_IDLE_TIMEOUT_MS = 30_000;

/**
 * Characters of a remote error message or of stderr copied into an error message. Messages are
 * logged and stored in events; a whole stack dump or HTML error page would drown them.
 */
export const MAX_ERROR_MESSAGE_CHARS = 4096;

/** Bytes of a command's stdout kept; the rest is drained and discarded so the child never blocks. */
export const MAX_COMMAND_STDOUT_BYTES = 10 * 1024 * 1024;

/** Bytes of a command's stderr kept; stderr is diagnostics and becomes an error message. */
export const MAX_COMMAND_STDERR_BYTES = 64 * 1024;

/** Time between SIGTERM and SIGKILL when a command's process group is stopped. */
export const COMMAND_KILL_GRACE_MS = 2_000;
