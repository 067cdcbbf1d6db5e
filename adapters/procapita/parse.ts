/** Procapita export bytes → canonical plan (formats/README.md section 5). */
import type { FieldIssue } from '../../src/domain/field-issue.js';
import { parseCanonicalPlan } from '../../src/domain/parse-plan.js';
import { childPath, childPaths, readXml, type XmlElement } from '../common/xml-reader.js';
import type { ParseOutcome } from '../types.js';
import { FORMAT_VERSION, MODULES } from './codes.js';
import { mapPlan } from './map-plan.js';
import { checkElement, PLAN, ROOT, ROOT_SPEC } from './structure.js';
import { isStockholmExportTime, present, ValueReader } from './values.js';

const ROOT_PATH = `/${ROOT}`;

export function parseProcapita(document: Uint8Array): ParseOutcome {
  const read = readXml(document, { encoding: 'ISO-8859-1' });
  if (!read.ok) return read;
  const root = read.root;
  if (root.localName !== ROOT || root.namespace !== '') {
    return refuse([{ path: `/${root.localName}`, message: `must be ${ROOT} without a namespace` }]);
  }
  const values = new ValueReader();
  checkEnvelope(root, values);
  const plan = findPlan(root, values);
  if (!plan) return refuse(values.issues);

  const warnings: FieldIssue[] = [];
  const { draft, sources } = mapPlan(plan.element, plan.path, values, warnings);
  const result = parseCanonicalPlan(draft);
  const issues = result.ok
    ? values.issues
    : [...values.issues, ...sources.translate(result.issues, values.issues)];
  if (!result.ok || issues.length > 0) return refuse(issues.map(procapitaSpelling));
  const mojibake = findMojibake(plan.element, plan.path);
  if (mojibake)
    warnings.push({ path: mojibake, message: 'looks like UTF-8 read as ISO-8859-1; stored as received' });
  return { ok: true, plan: result.plan, warnings };
}

/** VERSION, MODUL and EXPORTTID describe the document: required and well-formed, otherwise unused (3.9). */
function checkEnvelope(root: XmlElement, values: ValueReader): void {
  const attributes = checkElement(root, ROOT_PATH, ROOT_SPEC, values.issues);
  const version = present(attributes.get('VERSION'));
  if (version !== FORMAT_VERSION) {
    values.report(
      `${ROOT_PATH}/@VERSION`,
      version === undefined ? 'is required' : `must be ${FORMAT_VERSION}`,
    );
  }
  const module = present(attributes.get('MODUL'));
  if (module === undefined || !MODULES.includes(module)) {
    values.report(
      `${ROOT_PATH}/@MODUL`,
      module === undefined ? 'is required' : `must be one of ${MODULES.join(', ')}`,
    );
  }
  const exportTime = present(attributes.get('EXPORTTID'));
  if (exportTime === undefined || !isStockholmExportTime(exportTime)) {
    values.report(
      `${ROOT_PATH}/@EXPORTTID`,
      exportTime === undefined
        ? 'is required'
        : 'must be a Stockholm local time that exists, written YYYYMMDDHHMMSS',
    );
  }
}

/** The one GENOMFORANDEPLAN; every other child of the root is reported. */
function findPlan(root: XmlElement, values: ValueReader): { element: XmlElement; path: string } | undefined {
  const paths = childPaths(ROOT_PATH, root);
  let plan: { element: XmlElement; path: string } | undefined;
  root.children.forEach((child, index) => {
    const path = paths[index]!;
    if (child.localName !== PLAN || child.namespace !== '') values.report(path, 'is not a known element');
    else if (plan) values.report(path, `a document holds exactly one ${PLAN}`);
    else plan = { element: child, path };
  });
  if (!plan) values.report(`${ROOT_PATH}/${PLAN}`, 'is required');
  return plan;
}

// Procapita spells the law SOL; the canonical model's messages say SoL.
function procapitaSpelling(issue: FieldIssue): FieldIssue {
  return issue.path.endsWith('/@LAG')
    ? { ...issue, message: issue.message.replace(/\bSoL\b/g, 'SOL') }
    : issue;
}

function refuse(issues: FieldIssue[]): ParseOutcome {
  return { ok: false, status: 422, issues };
}

// Ã or Â followed by a character from U+0080–U+00BF is how UTF-8 for å, ä, ö, é… reads in Latin-1.
const UTF8_AS_LATIN1 = /[\u00C2\u00C3][\u0080-\u00BF]/;

/** The path of the first value that looks like mojibake (5.5 allows a warning), or undefined. */
function findMojibake(element: XmlElement, path: string): string | undefined {
  for (const attribute of element.attributes) {
    if (UTF8_AS_LATIN1.test(attribute.value)) return `${path}/@${attribute.localName}`;
  }
  if (UTF8_AS_LATIN1.test(element.text)) return path;
  // Paths are worked out only along the way to a find; almost every document has none.
  const child = element.children.find(hasMojibake);
  return child && findMojibake(child, childPath(path, element, child));
}

function hasMojibake(element: XmlElement): boolean {
  return (
    element.attributes.some((attribute) => UTF8_AS_LATIN1.test(attribute.value)) ||
    UTF8_AS_LATIN1.test(element.text) ||
    element.children.some(hasMojibake)
  );
}
