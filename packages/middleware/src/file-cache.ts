/**
 * `@brokerkit/middleware/file-cache`: the Node-only file store of the response cache (node:fs).
 * The cache loads it on first use of `cache: { file }`, so the main entry stays free of node: imports.
 */
export {
  type CachedAnswer,
  type CacheFileWrite,
  type LoadOutcome,
  loadCacheFile,
  mergeAnswers,
  writeCacheFile,
} from "./cache-file.js";
export { type FileLockOptions, withFileLock } from "./file-lock.js";
