# syntax=docker/dockerfile:1
# The multiarch CLI as an image, built by this project's own multiarch.yaml (variants: slim, alpine).
ARG NODE_VERSION=20
ARG BASE_FLAVOR=slim

# JavaScript output is platform independent: bundle once, natively, on the build host.
FROM --platform=$BUILDPLATFORM node:${NODE_VERSION}-slim AS bundle
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY scripts/ scripts/
COPY schemas/ schemas/
COPY src/ src/
COPY media/ media/
RUN node scripts/build.mjs

FROM node:${NODE_VERSION}-${BASE_FLAVOR} AS cli
LABEL org.opencontainers.image.title="multiarch" \
      org.opencontainers.image.description="Build one Dockerfile as several variants for several platforms" \
      org.opencontainers.image.licenses="MIT"
WORKDIR /work
COPY --from=bundle /src/dist/cli.js /opt/multiarch/cli.js
USER node
ENTRYPOINT ["node", "/opt/multiarch/cli.js"]
CMD ["--help"]
