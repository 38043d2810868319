"""Reference optimizers that torch 1.13 does not have, transcribed as small torch optimizers from the
sources each of our algorithms names in its Reference text (src/Pure/Algorithms/*.cs). Each class keeps
its reference's argument and state names and only the branch of it that we implement."""

import math

import torch
from torch.optim import Optimizer


class Lion(Optimizer):
    """lucidrains/lion-pytorch (the paper's Program 1): decoupled weight decay, the sign of an
    interpolation of momentum and gradient, then the momentum update with beta2."""

    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, wd, (beta1, beta2) = group["lr"], group["weight_decay"], group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg, grad = state["exp_avg"], p.grad
                p.mul_(1 - lr * wd)
                update = exp_avg.clone().mul_(beta1).add(grad, alpha=1 - beta1).sign_()
                p.add_(update, alpha=-lr)
                exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)


class AdaBelief(Optimizer):
    """juntang-zhuang/Adabelief-Optimizer, adabelief_pytorch 0.2: the branch weight_decouple=True,
    fixed_decay=False, rectify=False, amsgrad=False (the arguments are kept so the fixture states them)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay=0,
                 amsgrad=False, weight_decouple=True, fixed_decay=False, rectify=False):
        if amsgrad or not weight_decouple or fixed_decay or rectify:
            raise NotImplementedError("only the branch AdaptiveLR implements is transcribed")
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                                      weight_decouple=weight_decouple, fixed_decay=fixed_decay, rectify=rectify))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, wd, eps, (beta1, beta2) = group["lr"], group["weight_decay"], group["eps"], group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_var"] = torch.zeros_like(p)
                grad, exp_avg, exp_avg_var = p.grad, state["exp_avg"], state["exp_avg_var"]
                p.mul_(1.0 - lr * wd)
                state["step"] += 1
                bias_correction1 = 1 - beta1 ** state["step"]
                bias_correction2 = 1 - beta2 ** state["step"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                residual = grad - exp_avg
                exp_avg_var.mul_(beta2).addcmul_(residual, residual, value=1 - beta2)
                # The authors add eps to the state in place before the root.
                denom = (exp_avg_var.add_(eps).sqrt() / math.sqrt(bias_correction2)).add_(eps)
                p.addcdiv_(exp_avg, denom, value=-lr / bias_correction1)


class Yogi(Optimizer):
    """Zaheer et al. 2018, Algorithm 2, as printed (the authors released no code): m from 0, v from
    initial_accumulator_value, no bias correction; L2 weight decay folded into the gradient."""

    def __init__(self, params, lr=1e-2, betas=(0.9, 0.999), eps=1e-3, weight_decay=0, initial_accumulator_value=1e-6):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, wd, eps, (beta1, beta2) = group["lr"], group["weight_decay"], group["eps"], group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.full_like(p, group["initial_accumulator_value"])
                grad = p.grad if wd == 0 else p.grad.add(p, alpha=wd)
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                squared = grad * grad
                exp_avg_sq.addcmul_(torch.sign(exp_avg_sq - squared), squared, value=-(1 - beta2))
                p.addcdiv_(exp_avg, exp_avg_sq.sqrt().add_(eps), value=-lr)


class Adafactor(Optimizer):
    """torch.optim.Adafactor of torch 2.5 (_single_tensor_adafactor), plus one argument of ours:
    relative_step=False makes rho_t = lr instead of min(lr, 1/sqrt(t)) (torch always uses the min)."""

    def __init__(self, params, lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.0,
                 foreach=None, maximize=False, relative_step=True):
        super().__init__(params, dict(lr=lr, beta2_decay=beta2_decay, eps=eps, d=d, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, relative_step=relative_step))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, d, beta2_decay, wd = group["lr"], group["d"], group["beta2_decay"], group["weight_decay"]
            eps1, eps2 = group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad if not group["maximize"] else -p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = torch.tensor(0.0, dtype=torch.float32)
                    if grad.dim() > 1:
                        row_shape = list(grad.shape)
                        row_shape[-1] = 1
                        col_shape = list(grad.shape)
                        col_shape[-2] = 1
                        state["row_var"] = grad.new_zeros(row_shape)
                        state["col_var"] = grad.new_zeros(col_shape)
                    else:
                        state["variance"] = torch.zeros_like(grad, memory_format=torch.preserve_format)
                e1 = torch.finfo(p.dtype).eps if eps1 is None else eps1
                state["step"] += 1
                step_float = state["step"].item()
                one_minus_beta2_t = step_float ** beta2_decay
                rho_t = min(lr, 1 / (step_float ** 0.5)) if group["relative_step"] else lr
                alpha = max(eps2, p.norm(2).item() / (p.numel() ** 0.5)) * rho_t
                if wd != 0:
                    p.mul_(1 - lr * wd)
                if grad.dim() > 1:
                    row_var, col_var = state["row_var"], state["col_var"]
                    row_mean = torch.norm(grad, dim=-1, keepdim=True).square_().div_(grad.size(-1))
                    row_var.lerp_(row_mean, one_minus_beta2_t)
                    col_mean = torch.norm(grad, dim=-2, keepdim=True).square_().div_(grad.size(-2))
                    col_var.lerp_(col_mean, one_minus_beta2_t)
                    var_estimate = row_var @ col_var
                    var_estimate.div_(row_var.mean(dim=-2, keepdim=True).clamp_(min=e1))
                else:
                    variance = state["variance"]
                    variance.lerp_(grad * grad, one_minus_beta2_t)
                    var_estimate = variance.clone()
                # torch squares eps1 here because the root follows.
                update = var_estimate.clamp_(min=e1 * e1).rsqrt_()
                update.mul_(grad)
                denom = max(1.0, update.norm(2).item() / ((update.numel() ** 0.5) * d))
                p.add_(update, alpha=-alpha / denom)
