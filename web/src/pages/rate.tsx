/**
 * The one-click rating links of the resolution mail (/rate/<token>?score=N): no sign-in, the signed
 * token stands for the requester. The score is recorded when the page opens (a POST from the page,
 * so mail scanners that only fetch links do not rate), then a comment can be added.
 */
import { useMutation } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Label, TextArea, TextField } from 'react-aria-components';
import { AuthFrame } from '../components/auth-frame';
import { Button, FormAlert, inputClass, labelClass } from '../components/fields';
import { Loading } from '../components/states';
import { apiProblem } from '../lib/errors';
import { trpcClient } from '../trpc';

export const Route = createLazyRoute('/rate/$token')({ component: RatePage });

const route = getRouteApi('/rate/$token');

function RatePage() {
  const { token } = route.useParams();
  const { score } = route.useSearch();
  const [comment, setComment] = useState('');
  const rate = useMutation({ mutationFn: (withComment: string | null) => trpcClient.report.rateByLink.mutate({ token, score: score!, comment: withComment }) });
  const sent = useRef(false);
  useEffect(() => {
    if (score && !sent.current) {
      sent.current = true;
      rate.mutate(null);
    }
  }, [score, rate]);
  if (!score) {
    return (
      <AuthFrame title="Rate your ticket">
        <FormAlert message="This rating link has no score. Use one of the numbers in the mail, or rate the ticket from its page." />
      </AuthFrame>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    rate.mutate(comment.trim() || null);
  };
  return (
    <AuthFrame title="Thank you">
      {rate.isPending && !rate.data ? (
        <Loading what="your rating" />
      ) : rate.isError ? (
        <FormAlert message={apiProblem(rate.error).message} />
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-3">
          <p role="status" className="text-sm">
            You rated the resolution {score} out of 5{rate.data?.comment ? `, with your comment` : ''}.
          </p>
          <TextField value={comment} onChange={setComment} className="flex flex-col gap-1">
            <Label className={labelClass}>Anything to add? (optional)</Label>
            <TextArea rows={3} maxLength={2000} className={inputClass} />
          </TextField>
          <Button type="submit" isPending={rate.isPending} isDisabled={!comment.trim()} className="self-start">
            Send comment
          </Button>
        </form>
      )}
    </AuthFrame>
  );
}
