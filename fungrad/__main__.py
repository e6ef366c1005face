"""`python -m fungrad`: a short tour running every transform on a real example (see fungrad/_tour.py)."""
from fungrad._tour import run

if __name__ == "__main__":
    run()
