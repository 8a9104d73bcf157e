import { Alert, Checkbox, type CSSVariablesResolver, createTheme, Notification, Radio } from '@mantine/core';

/** Big targets for thumbs on a phone (≥ 44 px), plain system fonts (nothing to download). */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
  components: {
    Button: { defaultProps: { size: 'md' } },
    TextInput: { defaultProps: { size: 'md' } },
    PasswordInput: { defaultProps: { size: 'md' } },
    Select: { defaultProps: { size: 'md' } },
    NativeSelect: { defaultProps: { size: 'md' } },
    Textarea: { defaultProps: { size: 'md' } },
    MultiSelect: { defaultProps: { size: 'md' } },
    // The whole row (box and label) is the target: at least 44 px tall.
    Checkbox: Checkbox.extend({ defaultProps: { size: 'md' }, styles: { body: { minHeight: '2.75rem', alignItems: 'center' } } }),
    Radio: Radio.extend({ defaultProps: { size: 'md' }, styles: { body: { minHeight: '2.75rem', alignItems: 'center' } } }),
    SegmentedControl: { defaultProps: { size: 'md' } },
    Tabs: { defaultProps: { keepMounted: false } },
    // A coloured title on a tinted background falls under WCAG AA contrast: titles in the text colour.
    Notification: Notification.extend({ styles: { description: { color: 'var(--mantine-color-text)' } } }),
    Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-text)' }, message: { color: 'var(--mantine-color-text)' } } }),
  },
});

/** Secondary text ("dimmed": descriptions, inactive steps) dark enough for WCAG AA on white; targets big enough for a thumb. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
