import type { FormatAdapter } from '../types.js';
import { parsePulsenCombine } from './parse.js';
import { renderPulsenCombine } from './render.js';

/** Pulsen Combine (Pulsen Omsorg): JSON in UTF-8, formats/README.md section 7. */
export const pulsenCombineAdapter: FormatAdapter = {
  system: 'pulsen-combine',
  contentType: 'application/json; charset=utf-8',
  fileExtension: 'json',
  parse: parsePulsenCombine,
  render: renderPulsenCombine,
};
