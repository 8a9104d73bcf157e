import { Alert, Box, Button, Center, NativeSelect, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { type Language, setLanguage } from '../../lib/i18n';
import { problemMessage } from '../../lib/problems';
import { signIn, useSession } from './session';

/** Only a path of this app, never another site (an open redirect through ?next=). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

export function SignIn() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+\.\S+$/.test(v.trim()) ? null : t('signIn.emailInvalid')),
      password: (v) => (v ? null : t('signIn.passwordRequired')),
    },
  });
  const next = safeNext(params.get('next'));

  if (session.status === 'signedIn') return <Navigate to={next} replace />;

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(values.email.trim(), values.password);
    } catch (e) {
      // What was typed stays; only the password is cleared after a wrong one.
      setError(e);
      form.setFieldValue('password', '');
    } finally {
      setBusy(false);
    }
  });

  return (
    <Center mih="100vh" p="md" bg="gray.0" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <form onSubmit={submit} noValidate>
          <Stack gap="md">
            <Box>
              <Text fw={700} c="blue.9" size="xl">
                Passerelle
              </Text>
              <Title order={1} size="h2">
                {t('signIn.title')}
              </Title>
            </Box>
            {params.get('expired') === '1' && !error && (
              <Alert color="yellow" role="status">
                {t('signIn.expired')}
              </Alert>
            )}
            {error !== null && (
              <Alert color="red" role="alert">
                {problemMessage(t, error)}
              </Alert>
            )}
            <TextInput label={t('signIn.email')} type="email" autoComplete="username" inputMode="email" required {...form.getInputProps('email')} />
            <PasswordInput
              label={t('signIn.password')}
              autoComplete="current-password"
              required
              visibilityToggleButtonProps={{ 'aria-label': t('signIn.showPassword'), style: { width: '2.75rem', height: '2.75rem' } }}
              rightSectionWidth={48}
              {...form.getInputProps('password')}
            />
            <Button type="submit" loading={busy} fullWidth>
              {t('signIn.submit')}
            </Button>
            <NativeSelect
              label={t('shell.language')}
              value={i18n.language}
              onChange={(e) => setLanguage(e.currentTarget.value as Language)}
              data={[
                { value: 'fr', label: 'Français' },
                { value: 'en', label: 'English' },
              ]}
            />
            <Text size="sm" c="gray.7">
              {t('signIn.help')}
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
