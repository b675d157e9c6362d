# CI only: stands in for the caddy image (no registry on CI): Debian's Caddy 2.6.2 on the local base.
ARG BASE=local/bookworm:ci
FROM ${BASE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends caddy wget \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data /config /etc/caddy
# As in the official image: Caddy's data (certificates, local CA) in /data, its autosave in /config.
ENV XDG_DATA_HOME=/data XDG_CONFIG_HOME=/config
EXPOSE 80 443 443/udp
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
