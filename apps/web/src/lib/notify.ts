import { notifications } from '@mantine/notifications';
import i18n from './i18n';

/** A short confirmation or warning, with a close button named in the user's language. */
export function notify(o: { color: 'green' | 'red' | 'yellow'; message: string; title?: string; sticky?: boolean }) {
  notifications.show({
    color: o.color,
    title: o.title,
    message: o.message,
    autoClose: o.sticky ? false : 5000,
    closeButtonProps: { 'aria-label': i18n.t('common.close') },
  });
}
