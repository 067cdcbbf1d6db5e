import type { FormatAdapter } from '../types.js';
import { parseLifecare } from './parse.js';
import { renderLifecare } from './render.js';

/** Lifecare: namespaced XML, UTF-8, elements only (formats/README.md 6). */
export const lifecareAdapter: FormatAdapter = {
  system: 'lifecare',
  contentType: 'application/xml; charset=utf-8',
  fileExtension: 'xml',
  parse: parseLifecare,
  render: renderLifecare,
};
