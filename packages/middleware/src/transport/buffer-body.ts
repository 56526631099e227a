/**
 * A hook the default Node transport's responses offer to the body layer: read the whole body into
 * memory (up to a limit) and keep serving it from there. The body layer can then hand on the same
 * response instead of pulling the body through a WHATWG stream and building a second Response, which
 * was most of the stack's own cost per call. No Node import here: the body layer is in every bundle.
 */
export const bufferBody = Symbol.for("brokerkit.bufferBody");

export interface BufferableResponse extends Response {
  /**
   * Reads the rest of the body into memory. Resolves false, having stopped reading and released the
   * connection, when the body grows past `maxBytes`; rejects as a body read would.
   */
  [bufferBody](maxBytes: number): Promise<boolean>;
}

export function isBufferable(response: Response): response is BufferableResponse {
  return typeof (response as Partial<BufferableResponse>)[bufferBody] === "function";
}
