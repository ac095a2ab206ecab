/**
 * Where pulled records come from (docs/sync.md): a remote is a set of
 * segments in the dump format, each growing only at its end (a journal file
 * served over HTTP) or never changing once written (an object in a bucket).
 * A store keeps, per remote and segment, how far it has pulled: the mark.
 */

/** One segment of a remote, as listed now. */
export interface Segment {
  /** Its name in the remote (a journal file's name, an object's key). */
  readonly key: string
  /** Its size in bytes now. */
  readonly size: number
}

/** A remote's segments, readable by byte range. */
export interface SegmentSource {
  /** A stable name of the remote (marks are kept per remote), without secrets. */
  readonly id: string
  /**
   * The segments that may hold something past `marks` (a source may leave out
   * segments it knows are pulled whole).
   */
  list(marks: ReadonlyMap<string, PullMark>): Promise<Segment[]>
  /** Bytes `from` (inclusive) to `to` (exclusive) of a segment. */
  read(key: string, from: number, to: number): Promise<Uint8Array>
  /** True when a segment is gzip and so is read whole (an object), false for plain JSON Lines read by range. */
  whole(key: string): boolean
}

/** How far one segment has been pulled. */
export interface PullMark {
  /** Bytes of the segment merged (complete lines only). */
  readonly bytes: number
  /** The segment's first line (its dump header), repeated before each later piece so that it imports on its own. */
  readonly header: string
  /** Lines merged (to name a line by its number in the segment when it is bad). */
  readonly lines: number
}

/** Where a store keeps its marks. */
export interface MarkStore {
  /** The marks of a remote, by segment key. */
  marks(remote: string): Promise<Map<string, PullMark>>
  /** Records that a segment was pulled this far (after what it brought was merged). */
  setMark(remote: string, key: string, mark: PullMark): Promise<void>
}
