"""LARS, transcribed from kakaobrain/torchlars (torchlars/lars.py and adaptive_lr.cc @ 3b3d7e9):
a wrapper that hides the inner optimizer's weight decay, scales each parameter's gradient by
    adaptive_lr = trust_coef * ||w|| / (||g|| + weight_decay * ||w|| + eps)   (1 if either norm is 0)
after adding weight_decay * w, then runs the inner torch.optim.SGD (the real torch 1.13 one,
foreach=False) with weight_decay 0. The C++ kernel is replaced by the same arithmetic in Python.
Extension (not in torchlars, which adapts every parameter): exclude_from_adaptation, a group
flag that skips both the trust ratio and the weight decay (as in the Barlow Twins / VICReg LARS
and pytorch_optimizer, which exclude parameters of ndim <= 1)."""
import torch


def compute_adaptive_lr(param_norm, grad_norm, weight_decay, eps, trust_coef):
    if param_norm > 0 and grad_norm > 0:
        divisor = grad_norm + weight_decay * param_norm + eps
        return param_norm / divisor * trust_coef
    return torch.ones_like(param_norm)


class LARS:
    def __init__(self, optimizer, eps=1e-8, trust_coef=0.001):
        self.optim = optimizer
        self.eps = eps
        self.trust_coef = trust_coef
        self.state = optimizer.state
        self.param_groups = optimizer.param_groups
        self.adaptive_lrs = {}

    @torch.no_grad()
    def step(self):
        weight_decays = [group['weight_decay'] for group in self.optim.param_groups]
        for group in self.optim.param_groups:
            group['weight_decay'] = 0
        try:
            for group, weight_decay in zip(self.optim.param_groups, weight_decays):
                if group.get('exclude_from_adaptation', False):
                    continue
                for p in group['params']:
                    if p.grad is None:
                        continue
                    param_norm = p.norm()
                    grad_norm = p.grad.norm()
                    adaptive_lr = compute_adaptive_lr(param_norm, grad_norm, weight_decay,
                                                      self.eps, self.trust_coef)
                    self.adaptive_lrs[p] = adaptive_lr
                    p.grad.add_(p.data, alpha=weight_decay)
                    p.grad.mul_(adaptive_lr)
            self.optim.step()
        finally:
            for group, weight_decay in zip(self.optim.param_groups, weight_decays):
                group['weight_decay'] = weight_decay
