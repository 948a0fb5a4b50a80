// Parses Mermaid files with Mermaid's own parser (mermaid.parse: diagram detection, then the
// flowchart grammar and its database), the code GitHub runs before it draws a diagram. Nothing is
// rendered, so no browser is needed; jsdom only gives DOMPurify (which mermaid uses to sanitise
// labels while parsing) a window, and must exist before mermaid is imported.
//
// usage: node parse.mjs FILE...   prints one line per file; exits 1 if any file does not parse
// as a flowchart.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

let failed = 0;
for (const path of process.argv.slice(2)) {
  try {
    const { diagramType } = await mermaid.parse(readFileSync(path, 'utf8'));
    if (!diagramType.startsWith('flowchart')) {
      throw new Error(`parsed as ${diagramType}, not a flowchart`);
    }
    console.log(`mermaid ok: ${path} (${diagramType})`);
  } catch (e) {
    failed += 1;
    console.log(`mermaid error: ${path}: ${String(e?.message ?? e).split('\n').join('\n    ')}`);
  }
}
process.exit(failed ? 1 : 0);
