/**
 * The starter knowledge base: 40 articles a new installation can load so that search and the
 * answer bot have something to work with on day one. Requesters see the 'everyone' articles;
 * the 'staff' ones are agent runbooks. scripts/eval/kb-questions.json refers to them by slug.
 */
import { facilitiesArticles } from './facilities';
import { hrArticles } from './hr';
import { itArticles } from './it';
import type { StarterArticle } from './types';

export type { StarterArticle } from './types';

export const starterArticles: StarterArticle[] = [...itArticles, ...hrArticles, ...facilitiesArticles];
