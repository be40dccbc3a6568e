import unittest

from {{module}}.model import {{base_class}}


class Sums({{base_class}}):
    def predict(self, inputs):
        return [sum(row) for row in self.rows(inputs)]


class ModelTest(unittest.TestCase):
    def test_a_subclass_answers_one_number_per_row(self):
        self.assertEqual(Sums().predict({"features": [[1, 2], [3, 4]]}), [3, 7])

    def test_the_base_class_refuses_to_predict(self):
        with self.assertRaises(NotImplementedError):
            {{base_class}}().predict({"features": [[1]]})

    def test_rows_of_inputs_without_features_are_empty(self):
        self.assertEqual({{base_class}}.rows({}), [])


if __name__ == "__main__":
    unittest.main()
