/** The sign-in / signed-in area of the header, shared by both pages. */
import { completeCognitoSignIn, currentSession, h, signInLocally, signInWithCognito, signOut, type Session, type SiteConfig } from './api';

export interface AccountOptions {
  config: SiteConfig;
  /** The barista page signs in to the admin group (locally). */
  admin: boolean;
  onChange: (session: Session | undefined) => void;
  onError: (message: string) => void;
}

export async function mountAccount(nav: HTMLElement, options: AccountOptions): Promise<Session | undefined> {
  const render = () => {
    const session = currentSession();
    nav.replaceChildren();
    if (session) {
      nav.append(
        h('span', { id: 'signed-in' }, `Signed in as ${session.user}${session.isAdmin ? ' (barista)' : ''}`, ' '),
        h('button', { type: 'button', class: 'secondary', onclick: () => { signOut(); render(); options.onChange(undefined); } }, 'Sign out'),
      );
    } else if (options.config.auth.kind === 'local') {
      const input = h('input', { id: 'user', name: 'user', autocomplete: 'username', required: true, value: options.admin ? 'barista' : '' });
      const form = h(
        'form',
        {
          'aria-label': 'Sign in',
          onsubmit: (event: Event) => {
            event.preventDefault();
            signInLocally(options.config, input.value.trim(), options.admin)
              .then((s) => { render(); options.onChange(s); })
              .catch((error: Error) => options.onError(`Sign-in failed: ${error.message}`));
          },
        },
        h('label', { for: 'user' }, 'Your name'),
        input,
        h('button', { type: 'submit', id: 'sign-in' }, 'Sign in'),
      );
      nav.append(form);
    } else {
      nav.append(h('button', { type: 'button', id: 'sign-in', onclick: () => void signInWithCognito(options.config) }, 'Sign in'));
    }
    return session;
  };
  const returned = await completeCognitoSignIn(options.config).catch((error: Error) => {
    options.onError(`Sign-in failed: ${error.message}`);
    return undefined;
  });
  const session = render();
  return returned ?? session;
}
