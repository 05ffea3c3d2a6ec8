// V8 settings for a scan, set before anything else runs (imported first by main.ts).
//
// Allocation-site pretenuring: when objects from one allocation site survive a few young-generation
// collections, V8 starts allocating that site's objects directly in the old generation. A scan
// allocates short-lived per-record objects at a few hot sites; a burst of survivors (rule loading,
// a chunk with large records) could flip such a site, and from then on every record's garbage went
// to the old generation: measured on the 512 MB benchmark file, one run in three took ~1.5× as long
// with twice the memory (5 s / 500 MB against 3.3 s / 277 MB). Without pretenuring every run is the
// fast one (eight of eight, 3.1–3.4 s, ~255 MB). The flags are process-wide, so workers share them.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
