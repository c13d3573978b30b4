/** Where a size was read from. */
export type SizeSource = 'oci-layout' | 'oci-archive' | 'registry' | 'local';

/** Sizes of one platform's image as its manifest (and config) describe it. */
export interface PlatformImage {
  /** `os/arch[/variant]`, e.g. linux/arm/v7. */
  platform: string;
  /** Manifest digest (sha256:…). */
  digest: string;
  /** Σ layers[].size + config.size: what a registry stores and a pull downloads. */
  compressed: number;
  layers: number;
  /** Media types of the layers, for diagnostics (gzip, zstd, uncompressed). */
  layerMediaTypes: string[];
  /** Image config `created`, when the config blob was readable. */
  created?: string;
}

/** One row of the sizes table: a cell (variant × platform) and what we know about its size. */
export interface SizeRow {
  variant: string;
  platform: string;
  compressed?: number;
  /** On-disk size from the engine's local store, when the engine reports one. */
  uncompressed?: number;
  layers?: number;
  digest?: string;
  created?: string;
  source: SizeSource;
  /** startedAt of the build the row measures; the key of the size history. */
  builtAt?: string;
  /** Change against the previous measured build of the same cell (bytes; negative = smaller). */
  delta?: { compressed?: number; uncompressed?: number };
  /** Why a size could not be read (missing blob, registry unreachable, …). */
  error?: string;
}
