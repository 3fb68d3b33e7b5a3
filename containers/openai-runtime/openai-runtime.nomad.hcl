# Nomad job for openai-runtime (rendered by `nx g janus:runtime openai`), with the runtime spec's limits.
# Run the image by digest, as docker-build recorded it:
#   nomad job run -var "image=$(node -p "const m = require('./dist/docker/openai-runtime/metadata.json'); m.image + '@' + m.indexDigest")" openai-runtime.nomad.hcl
variable "image" {
  type        = string
  description = "The openai-runtime image by digest (repository@sha256:…)"
}

job "openai-runtime" {
  type = "batch"

  group "active" {
    count = 0

    task "openai-runtime" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image = var.image
      }

      env {
        PROVIDER  = "openai"
        WARM_POOL = "false"
      }

      resources {
        cpu    = 500
        memory = 512

        network {
          mbits = 10
        }
      }
    }
  }

  group "warm-pool" {
    count = 1

    task "openai-runtime" {
      driver       = "docker"
      kill_timeout = "30s"

      config {
        image = var.image
      }

      env {
        PROVIDER  = "openai"
        WARM_POOL = "true"
      }

      resources {
        cpu    = 100
        memory = 256

        network {
          mbits = 5
        }
      }
    }
  }
}
