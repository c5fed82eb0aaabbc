"""Every result reads the same way in a notebook: ``to_frame()``, with ``to_df()`` kept as its old name (warning)."""

import pandas as pd
import pytest

from estimator import Parameters, estimate, evaluate
from estimator.analysis.sensitivity import UncertaintyRanges, heatmap, monte_carlo, tornado

PARAMS = Parameters()


def test_results_have_to_frame_and_the_old_to_df_gives_the_same_frame():
    ranges = UncertaintyRanges.around(PARAMS)
    results = [
        ranges,
        tornado(PARAMS, ranges),
        heatmap(PARAMS, "churn_rate", "service_share", points=5),
        monte_carlo(PARAMS, ranges, draws=500, seed=1),
    ]
    for result in results:
        frame = result.to_frame()
        assert isinstance(frame, pd.DataFrame) and not frame.empty
        with pytest.warns(DeprecationWarning, match=r"to_df is deprecated and will be removed on 2027-06-30; use .*\.to_frame"):
            old = result.to_df()
        pd.testing.assert_frame_equal(old, frame)
    assert isinstance(estimate(PARAMS).to_frame(), pd.DataFrame)
    assert isinstance(evaluate(PARAMS).to_frame(), pd.DataFrame)


def test_a_parameter_says_itself_whether_it_is_a_share_or_an_amount():
    from estimator import PARAMETER_SPECS

    shares = {key for key, spec in PARAMETER_SPECS.items() if spec.is_share}
    amounts = {key for key, spec in PARAMETER_SPECS.items() if spec.is_currency}
    assert {"churn_rate", "service_share", "resolved_share", "gross_margin"} <= shares
    assert not {"silent_ratio", "wom_reach", "customers", "incident_hours"} & shares
    assert amounts == {"annual_value", "acquisition_cost"}
