/** One article of the starter knowledge base that a new Deskflow installation can load. */
export type StarterArticle = {
  /** Kebab-case, unique across the starter set; evaluations refer to articles by it. */
  slug: string;
  title: string;
  /** Display name of the article's category, e.g. 'Accounts & passwords'. */
  category: string;
  department: 'it' | 'hr' | 'facilities';
  /** 'staff' articles are agent runbooks; requesters never see them. */
  visibility: 'everyone' | 'staff';
  tags: string[];
  /** Markdown (GFM): a summary paragraph, then `## Steps` and `## If that did not help`. */
  body: string;
};
