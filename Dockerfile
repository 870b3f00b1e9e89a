# syntax=docker/dockerfile:1
# Albatross's container image: the static binary (pure Go, the assets and the
# airport reference embedded) on a distroless base, running as non-root.
#   docker build -t albatross .
#   docker run -p 8080:8080 -v albatross-data:/data albatross
# CI parses this file and checks its stages (deploy/deploy_test.go); it
# cannot build the image (no Docker daemon there).

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# Committed assets (static/dist, the airport reference) are embedded as they
# are: the image needs no Node.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false \
      -ldflags "-s -w -buildid= -X main.version=${VERSION}" \
      -o /out/albatross ./cmd/albatross \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot AS runtime
LABEL org.opencontainers.image.title="Albatross" \
      org.opencontainers.image.description="A multi-tenant platform for virtual airlines" \
      org.opencontainers.image.licenses="AGPL-3.0-only"
COPY --from=build /out/albatross /usr/local/bin/albatross
COPY --from=build --chown=65532:65532 /out/data /data
COPY LICENSE NOTICE /usr/share/doc/albatross/
ENV ALBATROSS_ADDR=:8080 \
    ALBATROSS_DATA_DIR=/data \
    ALBATROSS_LOG_FORMAT=json
# The embedded mode's event log; unused with DATABASE_URL.
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/albatross", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/albatross"]
CMD ["serve"]
