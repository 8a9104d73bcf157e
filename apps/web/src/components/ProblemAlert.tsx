import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../lib/problems';

/** A failed request, as a sentence in the user's language (by the problem's code). */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert color="red" role="alert" title={title ?? t('problems.title')}>
      {problemMessage(t, error)}
    </Alert>
  );
}
