# syntax=docker/dockerfile:1
# crossrole as a container image: one statically linked binary on distroless/static (no shell, no
# package manager, no libc needed), run as distroless's non-root user 65532.
#
#   docker build -t crossrole .
#   docker run --rm -v "$PWD:/work" crossrole emit --config crossrole.yaml --out out --check
# To write the output into the mounted directory, run as its owner so the files stay yours:
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/work" crossrole emit --config crossrole.yaml --out out

FROM rust:1.95-slim-trixie AS builder
WORKDIR /src
COPY . .
# +crt-static links glibc into the binary, so the runtime image needs no libc; crossrole makes no
# DNS or user-database lookups (the parts of glibc that need shared libraries). `--target` keeps
# the flag off build scripts and proc macros, which must stay dynamic. The cache mounts keep the
# crates and the build between `docker build`s; the binary is copied out of the cached target/.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    target="$(rustc --print host-tuple)" \
    && RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --locked --target "$target" \
    && cp "target/$target/release/crossrole" /usr/local/bin/crossrole

# Pin by digest (`static-debian13:nonroot@sha256:...`) once you have pulled it, to rebuild the same image.
FROM gcr.io/distroless/static-debian13:nonroot
LABEL org.opencontainers.image.title="crossrole" \
      org.opencontainers.image.description="Emits CloudFormation, Terraform and AWS CLI code for cross-account AWS IAM setups" \
      org.opencontainers.image.licenses="MIT"
COPY --from=builder /usr/local/bin/crossrole /usr/local/bin/crossrole
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/crossrole"]
CMD ["--help"]
