/**
 * The Node.js flags the service runs with: `npm start`, the Dockerfile (as NODE_OPTIONS) and
 * the benchmarks' servers (bench/support/server.ts) all use these; a test keeps them equal.
 *
 * A push allocates several copies of its plan (parsed body, validated plan, canonical forms,
 * the encrypted document), and with V8's default young generation (16 MB semi-spaces) most
 * of them are copied by scavenges that come too often. 64 MB semi-spaces make the collector's
 * share of a push smaller: measured +6 % pushes/s (three runs of 3000 pushes, alternating
 * with and without in one run; the note on issue 2 has the figures), for at most ~100 MB
 * more memory under load.
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=64'] as const;
