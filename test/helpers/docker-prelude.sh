# Sourced (bash) before each Docker example of the documentation when the Docker suite runs
# them:  node --import tsx test/helpers/doc-examples.ts --docker IMAGE
#
# The examples are written for a workstation with an ordinary Docker engine. This wrapper runs
# them as written on the suite's engine, which may have no bridge network and no Docker Hub:
#
#   docker build ... .       the checkout ($DOCS_REPO) is the context; --network host; the
#                            suite's bases and registry as build arguments (NODE_IMAGE,
#                            BUILD_IMAGE, NPM_CONFIG_REGISTRY, when set); the classic builder
#                            where there is no buildx
#   docker run -p H:C ...    --network host instead of the port mapping, the emulator listening
#                            on 127.0.0.1:$ATLAS_EMU_PORT (the free port the runner chose)
#   atlas-backup-emulator    as an image name (build tag or run image): $DOCS_DOCKER_IMAGE
#   docker volume create     labelled, like every container run, so that
#                            docs_docker_cleanup removes what the examples left behind
#
# Everything else reaches docker unchanged.

DOCS_DOCKER_LABEL=atlas-emu-docs-example

docs_docker_image() { # the documented image name -> the suite's image
  if [ "$1" = atlas-backup-emulator ] || [ "$1" = atlas-backup-emulator:latest ]; then
    printf '%s' "${DOCS_DOCKER_IMAGE:?}"
  else
    printf '%s' "$1"
  fi
}

docs_docker_build() {
  local args=() arg
  while [ $# -gt 0 ]; do
    arg="$1"; shift
    case "$arg" in
      -t|--tag) args+=("$arg" "$(docs_docker_image "$1")"); shift ;;
      --tag=*) args+=("--tag=$(docs_docker_image "${arg#--tag=}")") ;;
      .) args+=("${DOCS_REPO:?}") ;;
      *) args+=("$arg") ;;
    esac
  done
  local extra=(--network host)
  [ -n "${NODE_IMAGE:-}" ] && extra+=(--build-arg "NODE_IMAGE=$NODE_IMAGE")
  [ -n "${BUILD_IMAGE:-}" ] && extra+=(--build-arg "BUILD_IMAGE=$BUILD_IMAGE")
  [ -n "${NPM_CONFIG_REGISTRY:-}" ] && extra+=(--build-arg "NPM_CONFIG_REGISTRY=$NPM_CONFIG_REGISTRY")
  if command docker buildx version >/dev/null 2>&1; then
    command docker build "${extra[@]}" "${args[@]}"
  else
    DOCKER_BUILDKIT=0 command docker build "${extra[@]}" "${args[@]}"
  fi
}

docs_docker_run() {
  local options=() arg published=0
  # Options up to the image name; the image and its arguments after it.
  while [ $# -gt 0 ]; do
    arg="$1"
    case "$arg" in
      -p|--publish) published=1; shift 2 ;;
      -p=*|--publish=*|-p[0-9]*) published=1; shift ;;
      -e|--env|-v|--volume|--name|--network|--health-start-interval|--user|-u|-w|--workdir|--entrypoint|--label|-l|--mount|--env-file)
        options+=("$arg" "$2"); shift 2 ;;
      -*) options+=("$arg"); shift ;;
      *) break ;;
    esac
  done
  local image
  image="$(docs_docker_image "${1:?docker run needs an image}")"; shift
  local extra=(--label "$DOCS_DOCKER_LABEL")
  if [ "$published" = 1 ]; then
    extra+=(--network host -e ATLAS_EMU_HOST=127.0.0.1 -e "ATLAS_EMU_PORT=${ATLAS_EMU_PORT:?}")
  fi
  command docker run "${extra[@]}" "${options[@]}" "$image" "$@"
}

docker() {
  case "${1:-}" in
    build) shift; docs_docker_build "$@" ;;
    run) shift; docs_docker_run "$@" ;;
    volume)
      if [ "${2:-}" = create ]; then
        shift 2; command docker volume create --label "$DOCS_DOCKER_LABEL" "$@"
      else
        command docker "$@"
      fi ;;
    *) command docker "$@" ;;
  esac
}

docs_docker_cleanup() { # containers, then volumes, that examples made
  local ids
  ids="$(command docker ps -aq --filter "label=$DOCS_DOCKER_LABEL")"
  if [ -n "$ids" ]; then command docker rm -f -v $ids >/dev/null; fi
  ids="$(command docker volume ls -q --filter "label=$DOCS_DOCKER_LABEL")"
  if [ -n "$ids" ]; then command docker volume rm -f $ids >/dev/null; fi
}
