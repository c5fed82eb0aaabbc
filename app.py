"""The churn-cost estimator's app: ``streamlit run app.py``.

A thin entry point: the page lives in the ``ui`` package, the model in ``estimator``.
"""

from ui.main import run

run()
