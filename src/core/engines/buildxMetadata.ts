// What buildx writes with `--metadata-file`: for a build, one object with `image.name` (the tags, comma
// separated) and `containerimage.digest` (what was pushed or exported: an index for a multi-platform or
// attested build, else an image manifest); for a bake, one such object per target.

/** Digest of what buildx wrote under each tag it names, read from a metadata file's text; tag → digest. */
export function pushedDigests(text: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return {};
  }
  const out: Record<string, string> = {};
  const take = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    const entry = o as Record<string, unknown>;
    const digest = entry['containerimage.digest'];
    const names = entry['image.name'];
    if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest) || typeof names !== 'string') return;
    for (const name of names.split(',')) if (name.trim()) out[name.trim()] = digest;
  };
  take(doc);
  // A bake: one object per target.
  if (doc && typeof doc === 'object') for (const v of Object.values(doc)) take(v);
  return out;
}

/** The digest one build's metadata file names (`containerimage.digest`), whatever it was pushed under. */
export function builtDigest(text: string): string | undefined {
  try {
    const digest = (JSON.parse(text) as Record<string, unknown> | null)?.['containerimage.digest'];
    return typeof digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
  } catch {
    return undefined;
  }
}
