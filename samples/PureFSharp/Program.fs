// The functional core from F#: immutable hyperparameter and state records, one pure step, a fold over steps.
open System.Collections.Immutable
open AdaptiveLR.Pure.Algorithms
open AdaptiveLR.Pure.Core

/// f(x, y) = (x − 3)² + 10·(y + 1)², minimum at (3, −1).
let gradient (p: ImmutableArray<float>) = ImmutableArray.Create(2.0 * (p[0] - 3.0), 20.0 * (p[1] + 1.0))

let minimise (hyperparameters: Hyperparameters) steps =
    let step (state, parameters) _ =
        let result = ReferenceStep.Step(hyperparameters, state, parameters, gradient parameters)
        result.State, result.Parameters
    Seq.fold step (OptimizerState.Initial(hyperparameters, 2), ImmutableArray.Create(0.0, 0.0)) (seq { 1..steps })

let algorithms: Hyperparameters list =
    [ AdamHyperparameters(Lr = 0.1)
      SgdHyperparameters(Lr = 0.02, Momentum = 0.9)
      RmsPropHyperparameters(Lr = 0.01) ]

let results =
    [ for hyperparameters in algorithms ->
        let state, parameters = minimise hyperparameters 500
        printfn "%-8s after %d steps: x = %.4f, y = %.4f, state: %s"
            hyperparameters.Algorithm state.Step parameters[0] parameters[1]
            (state.Quantities |> Seq.map (fun q -> q.Name) |> String.concat ", ")
        abs (parameters[0] - 3.0) < 0.05 && abs (parameters[1] + 1.0) < 0.05 ]

exit (if List.forall id results then 0 else 1)
