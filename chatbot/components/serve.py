"""The Rasa server as scripts/run starts it: `python -m components.serve run ...` is Rasa's own
command line (`rasa run ...`) with components.rasa_patches installed first, where it is seen,
instead of as a side effect of importing a component."""

from components import rasa_patches


def main() -> None:
    rasa_patches.install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
