# CI only: a Node base for deploy/Dockerfile built without a registry (see deploy/scripts/ci-compose.sh).
# It is the HOST's Node (CI runs every suite on the host's Node, whatever deploy/Dockerfile's default is):
# Debian bookworm's nodejs is 18, so the host's node binary and npm are copied in, with the host's CA
# bundle: npm ci reaches the registry through a TLS-inspecting proxy on CI machines.
ARG BASE=local/bookworm:ci
FROM ${BASE}
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && node --version && npm --version
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    npm_config_cafile=/etc/ssl/certs/ca-certificates.crt \
    npm_config_update_notifier=false
