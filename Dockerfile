# syntax=docker/dockerfile:1
# The ssdf container image: a static Go binary on Chainguard's static base.
# Every FROM is pinned by digest (pipeline-pinned-images). See
# docs/distribution.md.
#
#   docker build -t ssdf .
#   docker run --rm -v "$PWD:/src" -w /src ssdf scan .

FROM docker.io/library/golang:1.26.6@sha256:640a234f4bea3e399c056b7b8f9c667c4939befae8db2f14e9785e16eccd4205 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
RUN go build -ldflags="-s -w -buildid=" -o /out/ssdf ./cmd/ssdf

FROM cgr.dev/chainguard/static@sha256:5e9c88174a28c259c349f308dd661a6ec61ed5f8c72ecfaefb46cceb811b55a1
COPY --from=build /out/ssdf /usr/local/bin/ssdf
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/ssdf"]
CMD ["--help"]
