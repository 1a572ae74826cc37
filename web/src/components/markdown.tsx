/**
 * An article's Markdown, rendered and sanitised: react-markdown (no raw HTML: it is escaped unless
 * a plugin parses it, and none does), GitHub-flavoured tables and task lists (remark-gfm), and
 * rehype-sanitize with its default (GitHub's) schema as a second line against javascript: links,
 * event handlers and the like. Images and files are the API's /kb/files/<id> URLs, same origin.
 */
import ReactMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';

export function Markdown({ children }: { children: string }) {
  return (
    <div className="kb-prose">
      <ReactMarkdown remarkPlugins={[remarkGfm]} rehypePlugins={[rehypeSanitize]}>
        {children}
      </ReactMarkdown>
    </div>
  );
}
