import { Button, Card, Group, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { formatDateTime } from '../../../lib/format';
import { SubmissionKey } from '../../../lib/ids';
import { Problem } from '../../../lib/problems';
import { may } from '../actions';
import { type Case, useAddNote, useNotes } from '../api';

export function NotesTab({ kase }: { kase: Case }) {
  const { t } = useTranslation();
  const notes = useNotes(kase.id);
  const add = useAddNote(kase.id);
  const key = useRef(new SubmissionKey());
  const [text, setText] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    try {
      await add.mutateAsync({ text: text.trim(), key: key.current.current });
      key.current.answered();
      setText('');
    } catch (err) {
      // The note stays in the box; a retry after a dropped link reuses the same key.
      if (err instanceof Problem && err.status !== 0) key.current.answered();
    }
  };

  return (
    <Stack gap="md">
      {may(kase, 'note') && (
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Textarea label={t('notes.new')} autosize minRows={3} value={text} onChange={(e) => setText(e.currentTarget.value)} />
            <ProblemAlert error={add.error} />
            <Group>
              <Button type="submit" loading={add.isPending} disabled={!text.trim()}>
                {t('notes.add')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      <ProblemAlert error={notes.error} />
      {(notes.data ?? []).map((n) => (
        <Card key={n.id} withBorder padding="sm">
          <Text size="sm" c="gray.7">
            {formatDateTime(n.createdAt)}
          </Text>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{n.text}</Text>
        </Card>
      ))}
      {notes.data?.length === 0 && <Text c="gray.7">{t('notes.none')}</Text>}
    </Stack>
  );
}
