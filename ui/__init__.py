"""The Streamlit app over the ``estimator`` package (``app.py`` is its entry point).

Session state, caching and widgets live here; ``estimator`` never imports Streamlit.
"""
