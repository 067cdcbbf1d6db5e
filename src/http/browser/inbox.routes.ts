import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  browseInbox,
  type InboxPage,
  inboxPlanDocument,
  readInboxPlan,
} from '../../delivery/submissions/inbox-pages.service.js';
import type { InboxFilter } from '../../delivery/submissions/submissions.repository.js';
import { acknowledgeInboxItem } from '../../delivery/submissions/submissions.service.js';
import { planSections } from '../../documents/plan-sections.js';
import { stockholmDate } from '../../domain/calendar-date.js';
import { DomainError } from '../../services/errors.js';
import { csrfTokenMatches } from './browser-sessions.js';
import type { Pages } from './pages.js';
import { recordVisit, requireRole, type SignIn, signedIn, type Visitor } from './sign-in.js';
import { formField, refusedForm } from './sign-in.routes.js';

const FILTERS: Record<InboxFilter, string> = {
  waiting: 'Väntar på kvittens',
  acknowledged: 'Kvitterade',
  all: 'Alla',
};
const MAX_PAGE = 10_000;

/**
 * The case officer's (LSS-handläggarens) inbox: the plans submitted (avgivna) to their
 * organisation, one plan as they read it, its final document as PDF, and "Kvittera". Every
 * route needs the case-officer role; every form post its session's CSRF token.
 */
export function inboxRoutes(app: FastifyInstance, signIn: SignIn): void {
  const { ctx, pages } = signIn;
  const options = {
    config: { securityHeaders: pages.securityHeaders },
    schema: { hide: true },
    onRequest: requireRole(signIn, signIn.config.caseOfficerRole),
  };
  const withCsrf = {
    ...options,
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      if (!csrfTokenMatches(visitorOf(request).session, formField(request, 'csrf'))) {
        return refusedForm(signIn, reply);
      }
      return undefined;
    },
  };

  app.get<{ Querystring: { filter?: string; page?: string } }>('/inbox', options, async (request, reply) => {
    const filter = filterOf(request.query.filter);
    const page = pageOf(request.query.page);
    const inbox = await browseInbox(ctx, visitorOf(request).caller, { filter, page });
    return sendInbox(pages, reply, 200, visitorOf(request), { inbox, filter });
  });

  // A personnummer travels only in a posted form, never in a URL.
  app.post('/inbox/search', withCsrf, async (request, reply) => {
    const visitor = visitorOf(request);
    const identityNumber = (formField(request, 'personnummer') ?? '').replace(/[\s-]/g, '');
    try {
      const inbox = await browseInbox(ctx, visitor.caller, { filter: 'all', page: 1, identityNumber });
      return sendInbox(pages, reply, 200, visitor, { inbox, filter: 'all', searched: true });
    } catch (err) {
      if (!(err instanceof DomainError) || err.status !== 400) throw err;
      const empty: InboxPage = { rows: [], page: 1, hasNext: false };
      return sendInbox(pages, reply, 400, visitor, {
        inbox: empty,
        filter: 'all',
        searchError: 'Ange ett giltigt personnummer med tolv siffror, ÅÅÅÅMMDDNNNN.',
      });
    }
  });

  app.get<{ Params: { submissionId: string } }>('/inbox/:submissionId', options, async (request, reply) => {
    const visitor = visitorOf(request);
    return answered(signIn, reply, async () => {
      const { submission, plan } = await readInboxPlan(ctx, visitor.caller, request.params.submissionId);
      await recordVisit(signIn, request, visitor, {
        action: 'inbox.plan.read',
        status: 200,
        planId: submission.planId,
        version: submission.version,
        details: { submissionId: submission.id },
      });
      return pages.send(reply, 200, 'plan', {
        title: 'Genomförandeplan',
        signedIn: signedIn(visitor.session),
        submission: {
          ...submission,
          submittedOn: stockholmDate(submission.createdAt),
          acknowledgedOn: submission.acknowledgedAt && stockholmDate(submission.acknowledgedAt),
        },
        plan,
        sections: planSections(plan),
      });
    });
  });

  app.get<{ Params: { submissionId: string } }>(
    '/inbox/:submissionId/document.pdf',
    options,
    async (request, reply) => {
      const visitor = visitorOf(request);
      return answered(signIn, reply, async () => {
        const { submission, pdf } = await inboxPlanDocument(ctx, visitor.caller, request.params.submissionId);
        await recordVisit(signIn, request, visitor, {
          action: 'inbox.document.read',
          status: 200,
          planId: submission.planId,
          version: submission.version,
          details: { submissionId: submission.id },
        });
        return reply
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="genomforandeplan-v${submission.version}.pdf"`)
          .type('application/pdf')
          .send(pdf);
      });
    },
  );

  app.post<{ Params: { submissionId: string } }>(
    '/inbox/:submissionId/ack',
    withCsrf,
    async (request, reply) => {
      const visitor = visitorOf(request);
      const caller = { ...visitor.caller, personName: visitor.session.person.name };
      return answered(signIn, reply, async () => {
        const submission = await acknowledgeInboxItem(ctx, caller, request.params.submissionId, request.id);
        await recordVisit(signIn, request, visitor, {
          action: 'inbox.acknowledge',
          status: 303,
          planId: submission.planId,
          version: submission.version,
          details: { submissionId: submission.id },
        });
        return reply.redirect(`/inbox/${submission.id}`, 303);
      });
    },
  );
}

function sendInbox(
  pages: Pages,
  reply: FastifyReply,
  status: number,
  visitor: Visitor,
  view: { inbox: InboxPage; filter: InboxFilter; searched?: boolean; searchError?: string },
): FastifyReply {
  const { inbox, filter } = view;
  return pages.send(reply, status, 'inbox', {
    title: view.searchError ? 'Fel: Inkorg' : 'Inkorg',
    signedIn: signedIn(visitor.session),
    filters: Object.entries(FILTERS).map(([value, label]) => ({ value, label, selected: value === filter })),
    filterLabel: FILTERS[filter],
    rows: inbox.rows.map((row) => ({ ...row, submittedOn: stockholmDate(row.submittedAt) })),
    searched: view.searched ?? false,
    searchError: view.searchError ?? null,
    previous: !view.searched && inbox.page > 1 ? `/inbox?filter=${filter}&page=${inbox.page - 1}` : null,
    next: !view.searched && inbox.hasNext ? `/inbox?filter=${filter}&page=${inbox.page + 1}` : null,
    page: inbox.page,
  });
}

/** The use case's answer, or the page for its refusal: not found (another organisation's too), pruned, a conflict. */
async function answered(
  signIn: SignIn,
  reply: FastifyReply,
  answer: () => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return await answer();
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const page = REFUSAL_PAGES[err.status] ?? DEFAULT_REFUSAL;
    return signIn.pages.send(reply, err.status, 'message', {
      ...page,
      signedIn: signedIn(visitorOf(reply.request).session),
      link: { href: '/inbox', text: 'Till inkorgen' },
    });
  }
}

const DEFAULT_REFUSAL = { title: 'Det gick inte', paragraphs: ['Begäran kunde inte utföras.'] };
const REFUSAL_PAGES: Partial<Record<number, { title: string; paragraphs: string[] }>> = {
  404: {
    title: 'Sidan finns inte',
    paragraphs: ['Det finns ingen sådan plan i din kommuns inkorg.'],
  },
  409: {
    title: 'Planen kan inte kvitteras',
    paragraphs: ['Leveransen av planen misslyckades, så den kan inte kvitteras. Kontakta utföraren.'],
  },
  410: {
    title: 'Planens innehåll är gallrat',
    paragraphs: ['Innehållet i den här versionen har gallrats och kan inte visas.'],
  },
};

function visitorOf(request: FastifyRequest): Visitor {
  if (!request.visitor) throw new Error('a browser page ran without its role check');
  return request.visitor;
}

function filterOf(value: string | undefined): InboxFilter {
  return value === 'acknowledged' || value === 'all' ? value : 'waiting';
}

function pageOf(value: string | undefined): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 && page <= MAX_PAGE ? page : 1;
}
