"""Queue worker: picks its backend from QUEUE_BACKEND at start-up."""
import os
import platform


def main() -> None:
    backend = os.environ.get("QUEUE_BACKEND", "minimal")
    print(f"worker starting: backend={backend} machine={platform.machine()}")


if __name__ == "__main__":
    main()
