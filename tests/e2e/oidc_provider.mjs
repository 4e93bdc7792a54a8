// A real OpenID Connect provider for the browser tests of the facilitator's OIDC login (st.login).
//
// It is the npm package `oidc-provider` (the certified OpenID provider library for Node.js), configured like a
// municipality's Entra ID tenant would be for this app: one confidential client, the authorization code flow
// with PKCE, the user's e-mail address in the ID token, and RP-initiated logout. Only the login page is ours:
// a plain form that checks the test accounts' passwords (the library's built-in development form accepts any
// name), and consent is granted without asking, as an organisation's administrator does for its own app.
//
// Settings come from the environment, so the Python test decides ports and accounts:
//   OIDC_PORT, OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI,
//   OIDC_ACCOUNTS = {"anna@gemeente.test": {"password": "…", "name": "Anna", "email_verified": true}, …}
// It prints "listening" on stdout once it accepts connections.

import { randomBytes } from "node:crypto";

import Provider from "oidc-provider";

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
};

const port = Number(env("OIDC_PORT"));
const issuer = env("OIDC_ISSUER");
const redirectUri = env("OIDC_REDIRECT_URI");
const accounts = JSON.parse(env("OIDC_ACCOUNTS"));

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: env("OIDC_CLIENT_ID"),
      client_secret: env("OIDC_CLIENT_SECRET"),
      redirect_uris: [redirectUri],
      // Streamlit sends the user back to its /oauth2callback after the provider's logout page.
      post_logout_redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  // Put the scope's claims in the ID token, as Entra ID does: Streamlit reads only the ID token.
  conformIdTokenClaims: false,
  cookies: { keys: [randomBytes(32).toString("hex")] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) {
      return undefined;
    }
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub, email_verified: account.email_verified ?? true, name: account.name ?? sub };
      },
    };
  },
});

async function readForm(req) {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) {
      throw new Error("form too large");
    }
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function loginPage(uid, message) {
  const error = message ? `<p role="alert">${escapeHtml(message)}</p>` : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test provider sign-in</title></head>
<body><h1>Test provider sign-in</h1>${error}
<form method="post" action="/interaction/${uid}/login">
<label>E-mail <input type="text" name="login" autofocus required></label>
<label>Password <input type="password" name="password" required></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) {
    return next();
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  ctx.set("Cache-Control", "no-store");
  if (details.prompt.name === "consent") {
    // The organisation consented for its users: grant what the app asks and go on.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) {
      grant.addOIDCScope(missing.missingOIDCScope.join(" "));
    }
    if (missing.missingOIDCClaims) {
      grant.addOIDCClaims(missing.missingOIDCClaims);
    }
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    ctx.respond = false;
    return undefined;
  }
  if (ctx.method === "POST" && match[2]) {
    const form = await readForm(ctx.req);
    const account = accounts[form.login];
    if (!account || account.password !== form.password) {
      ctx.type = "html";
      ctx.status = 200;
      ctx.body = loginPage(details.uid, "Wrong e-mail or password.");
      return undefined;
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: form.login } }, {
      mergeWithLastSubmission: false,
    });
    ctx.respond = false;
    return undefined;
  }
  ctx.type = "html";
  ctx.body = loginPage(details.uid, "");
  return undefined;
});

provider.listen(port, "127.0.0.1", () => {
  process.stdout.write("listening\n");
});
