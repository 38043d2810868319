"""ADOPT, transcribed from iShohei220/adopt (src/adopt/adopt.py @ 6468572), single-tensor path
(_single_tensor_adopt; real parameters, capturable/differentiable/foreach/fused left out).
Arithmetic order is the authors'. The reference keeps `step` as a tensor and reads it with
.item(); here it is a float (same value)."""
import torch


class ADOPT(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.9999), eps=1e-6,
                 clip_lambda=lambda step: step ** 0.25, weight_decay=0.0, decouple=False,
                 maximize=False):
        self.clip_lambda = clip_lambda
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decouple=decouple, maximize=maximize)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group['betas']
            lr = group['lr']
            weight_decay = group['weight_decay']
            eps = group['eps']
            for param in group['params']:
                if param.grad is None:
                    continue
                state = self.state[param]
                if len(state) == 0:
                    state['step'] = 0.0
                    state['exp_avg'] = torch.zeros_like(param, memory_format=torch.preserve_format)
                    state['exp_avg_sq'] = torch.zeros_like(param, memory_format=torch.preserve_format)
                grad = param.grad if not group['maximize'] else -param.grad
                exp_avg = state['exp_avg']
                exp_avg_sq = state['exp_avg_sq']
                step = state['step']
                if weight_decay != 0 and not group['decouple']:
                    grad = grad.add(param, alpha=weight_decay)
                if step == 0:
                    exp_avg_sq.addcmul_(grad, grad.conj())
                    state['step'] += 1
                    continue
                if weight_decay != 0 and group['decouple']:
                    param.add_(param, alpha=-lr * weight_decay)
                denom = torch.clamp(exp_avg_sq.sqrt(), eps)
                normed_grad = grad.div(denom)
                if self.clip_lambda is not None:
                    clip = self.clip_lambda(step)
                    normed_grad.clamp_(-clip, clip)
                exp_avg.lerp_(normed_grad, 1 - beta1)
                param.add_(exp_avg, alpha=-lr)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad.conj(), value=1 - beta2)
                state['step'] += 1
